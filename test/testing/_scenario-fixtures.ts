import type { RegisterInput } from '../../src/index.js';

export const reg = (tier: RegisterInput['tier'], extra: Partial<RegisterInput> = {}): RegisterInput => ({
  tier, title: '小区路灯不亮', description: '3号楼前路灯连续一周不亮', category: 'municipal.lighting', location: '福田区某小区3号楼',
  requester: { id: 'requester', name: '张三', phone: '13812345678' }, channel: 'hotline', ...extra,
});

export const LEAD = 'u-water';
export const COOP = 'u-housing';
export const dispatch = (coops: string[] = []) => ({
  type: 'dispatch' as const, lead: { unitId: LEAD, duty: '排查并修复' }, cooperating: coops.map((unitId) => ({ unitId, duty: '配合' })),
});
export const sign = (unitId = LEAD, ownerId = 'p-owner') => ({ type: 'sign' as const, unitId, ownerId });
