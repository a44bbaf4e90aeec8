export { validateEntitlement, checkFilter, compilePolicy, policyKey } from './policy';
export type { CompiledPolicy } from './policy';
export { EntitlementError, EntitlementErrorCode } from './errors';
