// A small city for the routing tests: a few bureaus, two streets, people with skills, a catalogue, areas.
import {
  createDirectory,
  createStatisticsSource,
  loadCatalog,
  type AssignmentRecord,
  type CatalogJson,
  type DirectoryJson,
  type RoutingContext,
  type RoutingRequest,
  type StatisticsSource,
  statisticsFromRecords,
} from '../../src/routing/index.js';

export const directoryJson: DirectoryJson = {
  units: [
    { id: 'city', name: '市政府', calendarId: 'cn' },
    { id: 'chengguan', name: '城管局', superiorId: 'city', mandates: ['urban'], tags: ['路灯', '市容'] },
    { id: 'gongdian', name: '供电公司', superiorId: 'city', calendarId: '24x7', mandates: ['utilities/power'], tags: ['电力', '路灯'] },
    { id: 'shuiwu', name: '水务集团', superiorId: 'city', mandates: ['utilities/water'], tags: ['供水'] },
    { id: 'district', name: '泰山区政府', superiorId: 'city' },
    { id: 'street.a', name: '甲街道', superiorId: 'district', mandates: ['urban/vending'], tags: ['市容'] },
    { id: 'street.b', name: '乙街道', superiorId: 'district', mandates: ['urban/vending'], tags: ['市容'] },
    { id: 'closed', name: '已撤并单位', superiorId: 'city', mandates: ['urban'], active: false },
  ],
  people: [
    { id: 'p.wang', name: '王军', skills: ['路灯'] },
    { id: 'p.li', name: '李娜', skills: ['电力', '路灯'] },
    { id: 'p.zheng', name: '郑浩', skills: ['市容'] },
    { id: 'p.gone', name: '离职者', skills: ['路灯', '电力', '市容'], active: false },
  ],
  memberships: [
    { personId: 'p.wang', unitId: 'chengguan', role: 'handler' },
    { personId: 'p.li', unitId: 'gongdian', role: 'handler' },
    { personId: 'p.zheng', unitId: 'street.a', role: 'liaison' },
    { personId: 'p.gone', unitId: 'street.b' },
  ],
};

export const catalogJson: CatalogJson = {
  id: 'test-city',
  name: '测试派单目录',
  defaults: { tier: 'general', timeLimits: { sign: { value: 1, unit: 'workingDays' }, conclude: { value: 5, unit: 'workingDays' } } },
  categories: [
    {
      id: 'urban',
      name: '城市管理',
      lead: 'chengguan',
      leadDuty: '牵头处置, 答复诉求人',
      subcategories: [
        { id: 'streetlight', name: '路灯', lead: 'chengguan', cooperating: [{ unit: 'gongdian', duty: '线路抢修' }] },
        { id: 'vending', name: '占道经营', lead: 'chengguan', alternates: ['street.a', 'street.b'] },
      ],
    },
    {
      id: 'utilities',
      name: '水电气暖',
      tier: 'immediate',
      timeLimits: { conclude: { value: 24, unit: 'naturalHours' } },
      subcategories: [
        { id: 'power', name: '停电', lead: 'gongdian', leadDuty: '抢修恢复供电' },
        { id: 'water', name: '停水', lead: 'shuiwu', tier: 'general' },
      ],
    },
  ],
};

export const areasJson = [
  { id: 'district', name: '泰山区', unitId: 'district' },
  { id: 'district/a', name: '甲街道', parentId: 'district', unitId: 'street.a' },
  { id: 'district/a/1', name: '一社区', parentId: 'district/a' },
  { id: 'district/b', name: '乙街道', parentId: 'district', unitId: 'street.b', categories: ['urban/vending'] },
];

export const directory = createDirectory(directoryJson);
export const catalog = loadCatalog(catalogJson, { directory });

export function context(statistics: StatisticsSource = createStatisticsSource([])): RoutingContext {
  return { directory, statistics, now: new Date('2026-01-05T01:00:00Z') };
}

export function contextWith(records: AssignmentRecord[]): RoutingContext {
  return context(statisticsFromRecords(records));
}

export function request(overrides: Partial<RoutingRequest> = {}): RoutingRequest {
  return {
    caseId: 'c1',
    tenantId: 't1',
    tier: 'general',
    category: 'urban/streetlight',
    tags: [],
    triedUnits: [],
    returnCount: 0,
    ...overrides,
  };
}

/** `count` records of one unit in one state, for statistics. */
export function records(
  unitId: string,
  count: number,
  fields: Partial<AssignmentRecord> = {},
): AssignmentRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    caseId: `${unitId}-${index}`,
    unitId,
    category: 'urban/streetlight',
    tier: 'general',
    role: 'lead',
    state: 'concluded',
    ...fields,
  }));
}
