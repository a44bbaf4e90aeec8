import { Inject, Injectable, Logger } from '@nestjs/common';
import { TOKEN_TTL, mintToken, signingKey } from '@streamgate/auth';
import type { SigningKey } from '@streamgate/auth';
import { DomainException, ErrorCode, isJsonObject } from '@streamgate/contracts';
import type { ApiKeyRecord } from '@streamgate/contracts';
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
 * locally (EdDSA) with public keys only; revoking the key they came from ends them too.
 */
@Injectable()
export class TokensService {
  private readonly key: SigningKey;

  constructor(
    @Inject(ACCESS_CONTROL_CONFIG) config: AccessControlConfig,
    private readonly partners: PartnersService,
    private readonly entitlements: EntitlementsService,
  ) {
    this.key = signingKey(config.TOKEN_SIGNING_KEY);
    // Public: what delivery's TOKEN_VERIFY_KEYS must list before this key signs anything it sees.
    new Logger(TokensService.name).log({ msg: 'token signing key', kid: this.key.kid, verifyKey: this.key.verifyEntry });
  }

  /** Mints a token for a verified partner key (PartnerKeyGuard), narrowed to streams it may subscribe to. */
  async mint(key: ApiKeyRecord, body: unknown): Promise<TokenGrant> {
    const request = isJsonObject(body) ? body : body === undefined ? {} : undefined;
    if (!request) throw new DomainException(ErrorCode.InvalidBody, 'the body is { streams?, ttlSeconds? }');
    const ttl = request.ttlSeconds ?? TOKEN_TTL.defaultSeconds;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > TOKEN_TTL.maxSeconds) {
      throw new DomainException(ErrorCode.InvalidTtl, `ttlSeconds must be an integer from 1 to ${TOKEN_TTL.maxSeconds}`);
    }
    const entitled = await this.entitlements.subscribableStreamsOf(key.partnerId);
    const requested = request.streams ?? entitled;
    if (!Array.isArray(requested) || !requested.every((s) => typeof s === 'string')) throw new DomainException(ErrorCode.InvalidBody, 'streams must be an array of stream names');
    const refused = requested.filter((s) => !entitled.includes(s));
    if (refused.length > 0) throw new DomainException(ErrorCode.NotEntitled, `not entitled to ${refused.join(', ')}`);
    if (requested.length === 0) throw new DomainException(ErrorCode.NotEntitled, 'the partner is entitled to no stream');
    const streams = [...new Set(requested as string[])];
    const { token, expiresAt } = await mintToken(this.key, { partnerId: key.partnerId, keyId: key.id, streams }, ttl);
    return { token, expiresAt: expiresAt.toISOString(), streams };
  }
}
