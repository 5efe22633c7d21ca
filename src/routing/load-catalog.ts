import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import { _categoryAncestors } from './_guard.js';
import { _parse, _validationError } from './_validation.js';
import type { Directory } from './create-directory.js';
import type { CooperatingUnit, Tier } from './routing-policy.js';

/**
 * A time limit. Natural hours for 24×7 emergencies, working hours (工作时) or working days otherwise.
 *
 * @example
 * TimeLimitSchema.parse({ value: 3, unit: 'workingDays' });
 * //=> { value: 3, unit: 'workingDays' }
 */
export const TimeLimitSchema = z.object({
  value: z.number().positive(),
  unit: z.enum(['naturalHours', 'workingHours', 'workingDays']),
});

/**
 * The limits a catalogue entry sets. All optional: an entry inherits each limit it does not set from its
 * parent category, then from the catalogue's `defaults`; the SLA module supplies whatever is still missing.
 *
 * @example
 * TimeLimitsSchema.parse({ conclude: { value: 24, unit: 'naturalHours' } });
 * //=> { conclude: { value: 24, unit: 'naturalHours' } }
 */
export const TimeLimitsSchema = z.object({
  /** 签收: the unit must sign within this. */
  sign: TimeLimitSchema.exactOptional(),
  /** 先行联系 / 首次反馈. */
  firstResponse: TimeLimitSchema.exactOptional(),
  /** 办结: conclude (reply) within this. */
  conclude: TimeLimitSchema.exactOptional(),
  /** 协办单位 response to the lead. */
  cooperatingResponse: TimeLimitSchema.exactOptional(),
});

const TierSchema = z.enum(['immediate', 'general', 'complex']);
const IdSchema = z.string().regex(/^[^/\s]+$/, 'an id has no "/" and no spaces');

/**
 * A cooperating unit of a catalogue entry and its duty.
 *
 * @example
 * CatalogCooperatingSchema.parse({ unit: 'unit.gongdian', duty: '排查并抢修供电线路故障' });
 */
export const CatalogCooperatingSchema = z.object({
  unit: z.string().min(1),
  /** The written duty (协办职责), copied into the responsibility list of the case. */
  duty: z.string().min(1),
});

const entryFields = {
  id: IdSchema,
  name: z.string().min(1),
  /** 主办单位. */
  lead: z.string().min(1).exactOptional(),
  /** The lead's written duty (主办职责) for the responsibility list; inherited from the top category. */
  leadDuty: z.string().min(1).exactOptional(),
  /** 备选主办单位, tried in order when the lead has already returned the case. */
  alternates: z.array(z.string().min(1)).default([]),
  cooperating: z.array(CatalogCooperatingSchema).default([]),
  tier: TierSchema.exactOptional(),
  timeLimits: TimeLimitsSchema.exactOptional(),
};

/**
 * A subcategory: its lead is required, everything else inherits.
 *
 * @example
 * CatalogSubcategorySchema.parse({ id: 'streetlight', name: '路灯', lead: 'unit.chengguan' }).alternates;
 * //=> []
 */
export const CatalogSubcategorySchema = z.object({ ...entryFields, lead: z.string().min(1) });

/**
 * A top category, optionally with its own lead, and its subcategories.
 *
 * @example
 * CatalogCategorySchema.parse({ id: 'urban', name: '城市管理', lead: 'unit.chengguan' }).subcategories;
 * //=> []
 */
export const CatalogCategorySchema = z.object({
  ...entryFields,
  subcategories: z.array(CatalogSubcategorySchema).default([]),
});

/**
 * The dispatch catalogue (派单目录): top categories, each with subcategories; every subcategory names its
 * lead unit. A top category may name a lead too, used when a case carries only the top category or an
 * unknown subcategory of it.
 *
 * @example
 * CatalogSchema.safeParse({ id: 'city-12345', name: '派单目录', categories: [] }).success;
 * //=> false (at least one category)
 */
export const CatalogSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  version: z.string().min(1).exactOptional(),
  defaults: z
    .object({ tier: TierSchema.exactOptional(), timeLimits: TimeLimitsSchema.exactOptional() })
    .exactOptional(),
  categories: z.array(CatalogCategorySchema).min(1),
});

/**
 * One validated time limit.
 *
 * @example
 * const limit: TimeLimit = { value: 4, unit: 'workingHours' };
 */
export type TimeLimit = z.output<typeof TimeLimitSchema>;
/**
 * The validated limits of a catalogue entry.
 *
 * @example
 * const limits: TimeLimits = { sign: { value: 1, unit: 'workingDays' }, conclude: { value: 5, unit: 'workingDays' } };
 */
export type TimeLimits = z.output<typeof TimeLimitsSchema>;
/**
 * The catalogue as JSON (input shape; defaults may be omitted).
 *
 * @example
 * const json: CatalogJson = { id: 'mini', name: '最小目录', categories: [{ id: 'urban', name: '城市管理', lead: 'unit.chengguan' }] };
 */
export type CatalogJson = z.input<typeof CatalogSchema>;

/**
 * What a catalogue entry binds a case to: its tier and time limits.
 *
 * @example
 * decision.terms;
 * //=> { category: 'urban/streetlight', tier: 'general', timeLimits: { sign: { value: 1, unit: 'workingDays' }, … } }
 */
export interface CatalogTerms {
  category: string;
  tier: Tier;
  timeLimits: TimeLimits;
}

/**
 * One resolved catalogue entry, with inherited tier and limits already applied.
 *
 * @example
 * catalog.lookup('urban/streetlight');
 * //=> { key: 'urban/streetlight', label: '城市管理/路灯', lead: 'unit.chengguan', tier: 'general', … }
 */
export interface CatalogEntry {
  /** `top` or `top/sub`: what `RoutingRequest.category` carries. */
  key: string;
  /** Human label, `城市管理/路灯`. */
  label: string;
  lead?: string;
  leadDuty?: string;
  alternates: string[];
  cooperating: CooperatingUnit[];
  terms: CatalogTerms;
}

/**
 * A loaded, validated catalogue.
 *
 * @example
 * const catalog: Catalog = loadCatalog(json);
 * catalog.lookup('urban/streetlight')?.terms.tier;
 * //=> 'general'
 */
export interface Catalog {
  readonly id: string;
  readonly name: string;
  readonly version?: string;
  /** Exact key only. */
  lookup(category: string): CatalogEntry | undefined;
  /** The entry for the key or, failing that, its nearest ancestor that has one. */
  resolve(category: string): CatalogEntry | undefined;
  entries(): readonly CatalogEntry[];
}

/**
 * Options of {@link loadCatalog}.
 *
 * @example
 * loadCatalog(json, { directory } satisfies LoadCatalogOptions);
 */
export interface LoadCatalogOptions {
  /** When given, every unit the catalogue names must exist (and be active) in it. */
  directory?: Directory;
}

function _mergeLimits(...layers: Array<TimeLimits | undefined>): TimeLimits {
  const merged: TimeLimits = {};
  for (const layer of layers) if (layer !== undefined) Object.assign(merged, layer);
  return merged;
}

/**
 * Validates catalogue JSON (zod, then cross-checks: unique keys, no unit that is both lead and cooperating,
 * and, with `options.directory`, no unit the directory does not know) and returns a {@link Catalog} with O(1)
 * lookups. Throws `JiaobanError('VALIDATION')` listing every problem with its path.
 *
 * @example
 * const catalog = loadCatalog({
 *   id: 'city-12345',
 *   name: '市12345派单目录',
 *   categories: [{ id: 'urban', name: '城市管理', subcategories: [
 *     { id: 'streetlight', name: '路灯', lead: 'unit.chengguan', cooperating: [{ unit: 'unit.gongdian', duty: '供电线路抢修' }] },
 *   ] }],
 * });
 * catalog.lookup('urban/streetlight')?.label;
 * //=> '城市管理/路灯'
 */
export function loadCatalog(json: unknown, options: LoadCatalogOptions = {}): Catalog {
  const data = _parse(CatalogSchema, json, 'catalogue');
  const issues: FieldIssue[] = [];
  const entries = new Map<string, CatalogEntry>();
  const directory = options.directory;

  const checkUnit = (unitId: string, path: Array<string | number>): void => {
    if (directory === undefined) return;
    const unit = directory.unit(unitId);
    if (unit === undefined) issues.push({ path, message: `unknown unit ${unitId}` });
    else if (!unit.active) issues.push({ path, message: `inactive unit ${unitId}` });
  };

  const add = (
    key: string,
    label: string,
    fields: z.output<typeof CatalogSubcategorySchema> | z.output<typeof CatalogCategorySchema>,
    tier: Tier,
    timeLimits: TimeLimits,
    leadDuty: string | undefined,
    path: Array<string | number>,
  ): void => {
    if (entries.has(key)) issues.push({ path: [...path, 'id'], message: `duplicate category ${key}` });
    if (fields.lead !== undefined) checkUnit(fields.lead, [...path, 'lead']);
    fields.alternates.forEach((unitId, i) => checkUnit(unitId, [...path, 'alternates', i]));
    fields.cooperating.forEach((entry, i) => {
      checkUnit(entry.unit, [...path, 'cooperating', i, 'unit']);
      if (entry.unit === fields.lead) {
        issues.push({ path: [...path, 'cooperating', i, 'unit'], message: `${entry.unit} is the lead unit and cannot also cooperate` });
      }
    });
    // Frozen: candidates and rankings hand these arrays out as they are, and a caller that edited one would
    // silently change the catalogue for every later case.
    const entry: CatalogEntry = {
      key,
      label,
      alternates: Object.freeze(fields.alternates.slice()) as string[],
      cooperating: Object.freeze(fields.cooperating.map((c) => Object.freeze({ unitId: c.unit, duty: c.duty }))) as CooperatingUnit[],
      terms: Object.freeze({ category: key, tier, timeLimits: Object.freeze(timeLimits) }) as CatalogTerms,
    };
    if (fields.lead !== undefined) entry.lead = fields.lead;
    if (leadDuty !== undefined) entry.leadDuty = leadDuty;
    entries.set(key, entry);
  };

  data.categories.forEach((category, i) => {
    const tier = category.tier ?? data.defaults?.tier ?? 'general';
    const limits = _mergeLimits(data.defaults?.timeLimits, category.timeLimits);
    add(category.id, category.name, category, tier, limits, category.leadDuty, ['categories', i]);
    category.subcategories.forEach((sub, j) => {
      add(
        `${category.id}/${sub.id}`,
        `${category.name}/${sub.name}`,
        sub,
        sub.tier ?? tier,
        _mergeLimits(limits, sub.timeLimits),
        sub.leadDuty ?? category.leadDuty,
        ['categories', i, 'subcategories', j],
      );
    });
  });
  if (issues.length > 0) throw _validationError('catalogue', issues);

  const list: readonly CatalogEntry[] = Object.freeze([...entries.values()]);
  const catalog: Catalog = {
    id: data.id,
    name: data.name,
    lookup: (category) => entries.get(category),
    resolve: (category) => {
      const exact = entries.get(category);
      if (exact !== undefined) return exact;
      for (const key of _categoryAncestors(category)) {
        const entry = entries.get(key);
        if (entry?.lead !== undefined) return entry;
      }
      return undefined;
    },
    entries: () => list,
  };
  return data.version === undefined ? catalog : { ...catalog, version: data.version };
}
