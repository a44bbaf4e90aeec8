import { Inject, Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { TOKEN_TTL, mintToken, tokenKeys } from '@streamgate/auth';
import { KeyScope, isJsonObject } from '@streamgate/contracts';
import { ApiError } from '@streamgate/service';
import { ACCESS_CONTROL_CONFIG } from '../config/access-control.config';
import type { AccessControlConfig } from '../config/access-control.config';
import { EntitlementsService } from '../entitlements/entitlements.service';
import { PartnersService } from '../partners/partners.service';

export interface TokenGrant {
  token: string;
  expiresAt: string;
  streams: string[];
}

/**
 * Short-lived subscription tokens for browsers, minted from a server-held partner key with the
 * subscribe scope and narrowed to streams the partner is entitled to. Delivery verifies them
 * locally (EdDSA); revoking the key they came from ends them too.
 */
@Injectable()
export class TokensService {
  private readonly privateKey: KeyObject;

  constructor(
    @Inject(ACCESS_CONTROL_CONFIG) config: AccessControlConfig,
    private readonly partners: PartnersService,
    private readonly entitlements: EntitlementsService,
  ) {
    this.privateKey = tokenKeys(config.TOKEN_SIGNING_KEY).privateKey;
  }

  /** Returns undefined when the key does not authenticate (the caller counts the failure). */
  async mint(apiKey: string | undefined, body: unknown): Promise<TokenGrant | undefined> {
    const check = await this.partners.verifyKey(apiKey, KeyScope.Subscribe);
    if (!check.ok && check.reason === 'UNAUTHORIZED') return undefined;
    if (!check.ok) throw new ApiError(403, 'FORBIDDEN', check.message);
    const request = isJsonObject(body) ? body : body === undefined ? {} : undefined;
    if (!request) throw new ApiError(400, 'INVALID_BODY', 'the body is { streams?, ttlSeconds? }');
    const ttl = request.ttlSeconds ?? TOKEN_TTL.defaultSeconds;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > TOKEN_TTL.maxSeconds) {
      throw new ApiError(400, 'INVALID_TTL', `ttlSeconds must be an integer from 1 to ${TOKEN_TTL.maxSeconds}`);
    }
    const entitled = await this.entitlements.streamsOf(check.key.partnerId);
    const requested = request.streams ?? entitled;
    if (!Array.isArray(requested) || !requested.every((s) => typeof s === 'string')) throw new ApiError(400, 'INVALID_BODY', 'streams must be an array of stream names');
    const refused = requested.filter((s) => !entitled.includes(s));
    if (refused.length > 0) throw new ApiError(403, 'NOT_ENTITLED', `not entitled to ${refused.join(', ')}`);
    if (requested.length === 0) throw new ApiError(403, 'NOT_ENTITLED', 'the partner is entitled to no stream');
    const streams = [...new Set(requested as string[])];
    const { token, expiresAt } = await mintToken(this.privateKey, { partnerId: check.key.partnerId, keyId: check.key.id, streams }, ttl);
    return { token, expiresAt: expiresAt.toISOString(), streams };
  }
}
