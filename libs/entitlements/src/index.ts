export { validateEntitlement, checkFilter, compilePolicy, policyKey, grantsPublish, grantsSubscribe } from './policy';
export type { CompiledPolicy } from './policy';
export { EntitlementError, EntitlementErrorCode } from './errors';
