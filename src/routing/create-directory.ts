import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import { _parse, _validationError } from './_validation.js';

/**
 * One organisational unit (a bureau, a street office, a company department).
 * `mandates` are the catalogue categories the unit is competent for (职能), `tags` its skills or topics.
 *
 * @example
 * DirectoryUnitSchema.parse({ id: 'unit.chengguan', name: '城管局' });
 * //=> { id: 'unit.chengguan', name: '城管局', mandates: [], tags: [], active: true }
 */
export const DirectoryUnitSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  /** The direct superior (直属上级); absent for a top-level unit. */
  superiorId: z.string().min(1).exactOptional(),
  /** The working calendar the unit's clocks run on; inherited from the superior when absent. */
  calendarId: z.string().min(1).exactOptional(),
  mandates: z.array(z.string().min(1)).default([]),
  tags: z.array(z.string().min(1)).default([]),
  active: z.boolean().default(true),
});

/**
 * One person. `skills` are matched against a case's tags by `bySkills`.
 *
 * @example
 * DirectoryPersonSchema.parse({ id: 'p.wang', name: '王军' });
 * //=> { id: 'p.wang', name: '王军', skills: [], active: true }
 */
export const DirectoryPersonSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  skills: z.array(z.string().min(1)).default([]),
  active: z.boolean().default(true),
});

/**
 * A person's place in a unit. `head` 主要负责人, `deputy` 分管负责人, `liaison` 联络员 (signs orders),
 * `handler` 承办人, `member` anyone else.
 *
 * @example
 * DirectoryMembershipSchema.parse({ personId: 'p.wang', unitId: 'unit.chengguan' }).role;
 * //=> 'member'
 */
export const DirectoryMembershipSchema = z.object({
  personId: z.string().min(1),
  unitId: z.string().min(1),
  role: z.enum(['head', 'deputy', 'liaison', 'handler', 'member']).default('member'),
});

/**
 * The plain JSON a host hands to {@link createDirectory}.
 *
 * @example
 * DirectoryJsonSchema.safeParse({ units: [] }).success;
 * //=> true
 */
export const DirectoryJsonSchema = z.object({
  units: z.array(DirectoryUnitSchema),
  people: z.array(DirectoryPersonSchema).default([]),
  memberships: z.array(DirectoryMembershipSchema).default([]),
});

/**
 * A unit as the directory returns it (defaults filled in).
 *
 * @example
 * const unit: DirectoryUnit | undefined = directory.unit('unit.chengguan');
 * unit?.mandates;
 * //=> ['urban', 'transport/road-damage']
 */
export type DirectoryUnit = z.output<typeof DirectoryUnitSchema>;
/**
 * A person as the directory returns it.
 *
 * @example
 * const person: DirectoryPerson | undefined = directory.person('p.wang.jun');
 * person?.skills;
 * //=> ['路灯', '道路']
 */
export type DirectoryPerson = z.output<typeof DirectoryPersonSchema>;
/**
 * A membership as the directory returns it.
 *
 * @example
 * const [membership]: readonly DirectoryMembership[] = directory.memberships('p.wang.jun');
 * membership?.role;
 * //=> 'handler'
 */
export type DirectoryMembership = z.output<typeof DirectoryMembershipSchema>;
/**
 * Input shape (defaults may be omitted).
 *
 * @example
 * const json: DirectoryJson = { units: [{ id: 'unit.chengguan', name: '城管局', mandates: ['urban'] }] };
 */
export type DirectoryJson = z.input<typeof DirectoryJsonSchema>;

/**
 * The host's org structure as routing sees it: a synchronous, read-only snapshot. Every lookup is expected
 * to be O(1) (or O(depth) for inherited values), because policies call it on every decision. A host whose
 * directory lives in LDAP or a database builds a snapshot and replaces it when the org chart changes.
 *
 * @example
 * const directory: Directory = createDirectory(orgJson);
 * directory.superior('unit.street.caiyuan')?.name;
 * //=> '泰山区人民政府'
 */
export interface Directory {
  unit(unitId: string): DirectoryUnit | undefined;
  person(personId: string): DirectoryPerson | undefined;
  units(): readonly DirectoryUnit[];
  /** Memberships of a unit (its people and their roles). */
  members(unitId: string): readonly DirectoryMembership[];
  /** Memberships of a person (the units they belong to). */
  memberships(personId: string): readonly DirectoryMembership[];
  isMember(personId: string, unitId: string): boolean;
  superior(unitId: string): DirectoryUnit | undefined;
  subordinates(unitId: string): readonly DirectoryUnit[];
  /** The unit's own calendar id, or the nearest superior's. */
  calendarId(unitId: string): string | undefined;
  /** Units whose `mandates` list exactly this category key. */
  unitsWithMandate(category: string): readonly DirectoryUnit[];
  unitsWithTag(tag: string): readonly DirectoryUnit[];
  peopleWithSkill(skill: string): readonly DirectoryPerson[];
}

const EMPTY: readonly never[] = Object.freeze([]);

function _push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * Builds the in-memory {@link Directory} from plain JSON, validated with zod and cross-checked (unique ids,
 * known superiors, no cycle in the superior chain, memberships that point at known units and people).
 * All indexes are built once, so every lookup is a map access. Throws `JiaobanError('VALIDATION')`.
 *
 * @example
 * const directory = createDirectory({
 *   units: [
 *     { id: 'unit.quzf', name: '泰山区人民政府', calendarId: 'cn-mainland' },
 *     { id: 'unit.street.caiyuan', name: '财源街道办事处', superiorId: 'unit.quzf', mandates: ['urban'] },
 *   ],
 *   people: [{ id: 'p.zhang', name: '张伟', skills: ['路灯'] }],
 *   memberships: [{ personId: 'p.zhang', unitId: 'unit.street.caiyuan', role: 'handler' }],
 * });
 * directory.calendarId('unit.street.caiyuan');
 * //=> 'cn-mainland'
 */
export function createDirectory(json: unknown): Directory {
  const data = _parse(DirectoryJsonSchema, json, 'directory');
  const issues: FieldIssue[] = [];

  const units = new Map<string, DirectoryUnit>();
  data.units.forEach((unit, index) => {
    if (units.has(unit.id)) issues.push({ path: ['units', index, 'id'], message: `duplicate unit id ${unit.id}` });
    units.set(unit.id, unit);
  });
  const people = new Map<string, DirectoryPerson>();
  data.people.forEach((person, index) => {
    if (people.has(person.id)) issues.push({ path: ['people', index, 'id'], message: `duplicate person id ${person.id}` });
    people.set(person.id, person);
  });

  const subordinates = new Map<string, DirectoryUnit[]>();
  data.units.forEach((unit, index) => {
    if (unit.superiorId === undefined) return;
    if (!units.has(unit.superiorId)) {
      issues.push({ path: ['units', index, 'superiorId'], message: `unknown superior ${unit.superiorId}` });
    } else {
      _push(subordinates, unit.superiorId, unit);
    }
  });

  // Calendars are inherited down the superior chain; resolving them once also finds cycles, which would
  // otherwise make `superior` walks (escalation, 上报) loop forever.
  const calendars = new Map<string, string | undefined>();
  data.units.forEach((start, index) => {
    const chain: DirectoryUnit[] = [];
    const onChain = new Set<string>();
    let current: DirectoryUnit | undefined = start;
    let inherited: string | undefined;
    while (current !== undefined) {
      if (calendars.has(current.id)) {
        inherited = calendars.get(current.id);
        break;
      }
      if (onChain.has(current.id)) {
        issues.push({ path: ['units', index, 'superiorId'], message: `superior chain of ${start.id} has a cycle` });
        break;
      }
      onChain.add(current.id);
      chain.push(current);
      if (current.calendarId !== undefined) {
        inherited = current.calendarId;
        break;
      }
      current = current.superiorId === undefined ? undefined : units.get(current.superiorId);
    }
    for (let i = chain.length - 1; i >= 0; i -= 1) {
      const unit = chain[i] as DirectoryUnit;
      if (unit.calendarId !== undefined) inherited = unit.calendarId;
      calendars.set(unit.id, inherited);
    }
  });

  const membersByUnit = new Map<string, DirectoryMembership[]>();
  const membershipsByPerson = new Map<string, DirectoryMembership[]>();
  const unitsOfPerson = new Map<string, Set<string>>();
  data.memberships.forEach((membership, index) => {
    if (!units.has(membership.unitId)) {
      issues.push({ path: ['memberships', index, 'unitId'], message: `unknown unit ${membership.unitId}` });
    }
    if (!people.has(membership.personId)) {
      issues.push({ path: ['memberships', index, 'personId'], message: `unknown person ${membership.personId}` });
    }
    _push(membersByUnit, membership.unitId, membership);
    _push(membershipsByPerson, membership.personId, membership);
    const ofPerson = unitsOfPerson.get(membership.personId);
    if (ofPerson === undefined) unitsOfPerson.set(membership.personId, new Set([membership.unitId]));
    else ofPerson.add(membership.unitId);
  });
  if (issues.length > 0) throw _validationError('directory', issues);

  const byMandate = new Map<string, DirectoryUnit[]>();
  const byTag = new Map<string, DirectoryUnit[]>();
  for (const unit of data.units) {
    for (const mandate of new Set(unit.mandates)) _push(byMandate, mandate, unit);
    for (const tag of new Set(unit.tags)) _push(byTag, tag, unit);
  }
  const bySkill = new Map<string, DirectoryPerson[]>();
  for (const person of data.people) for (const skill of new Set(person.skills)) _push(bySkill, skill, person);

  const unitList: readonly DirectoryUnit[] = Object.freeze(data.units.slice());
  return {
    unit: (unitId) => units.get(unitId),
    person: (personId) => people.get(personId),
    units: () => unitList,
    members: (unitId) => membersByUnit.get(unitId) ?? EMPTY,
    memberships: (personId) => membershipsByPerson.get(personId) ?? EMPTY,
    isMember: (personId, unitId) => unitsOfPerson.get(personId)?.has(unitId) ?? false,
    superior: (unitId) => {
      const superiorId = units.get(unitId)?.superiorId;
      return superiorId === undefined ? undefined : units.get(superiorId);
    },
    subordinates: (unitId) => subordinates.get(unitId) ?? EMPTY,
    calendarId: (unitId) => calendars.get(unitId),
    unitsWithMandate: (category) => byMandate.get(category) ?? EMPTY,
    unitsWithTag: (tag) => byTag.get(tag) ?? EMPTY,
    peopleWithSkill: (skill) => bySkill.get(skill) ?? EMPTY,
  };
}
