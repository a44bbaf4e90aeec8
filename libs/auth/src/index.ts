export { constantTimeEqual, hashApiKey, generateApiKey, bearerToken } from './secrets';
export type { NewApiKey } from './secrets';
export { verifyApiKey } from './key-verifier';
export type { KeyCheck } from './key-verifier';
export { KeyDirectory } from './key-directory';
export { mintToken, verifyToken, tokenKeys, generateTokenSeed, TokenError, TOKEN_TTL } from './tokens';
export type { SubscriptionToken } from './tokens';
export { FailedAuthLimiter } from './failed-auth-limiter';
