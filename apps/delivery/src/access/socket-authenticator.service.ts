import { Inject, Injectable } from '@nestjs/common';
import { FailedAuthLimiter, TokenError, verifyToken } from '@streamgate/auth';
import type { VerifyKeys } from '@streamgate/auth';
import { KeyScope, isJsonObject } from '@streamgate/contracts';
import { Metrics, clientAddress, trustedProxies } from '@streamgate/service';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { AccessDirectory } from './access-directory.service';

/** Who is on a socket, from its handshake. */
export interface Principal {
  partnerId: string;
  keyId: string;
  /** Token sockets are limited to the token's streams and end at its expiry. */
  token?: { streams: string[]; expiresAt: Date };
}

export class HandshakeRefused extends Error {
  constructor(readonly code: 'UNAUTHORIZED' | 'TOKEN_EXPIRED' | 'RATE_LIMITED') {
    super(code);
  }
}

/**
 * Handshake credentials, verified locally: an API key with the subscribe scope (against the
 * replicated hashes) or a subscription token (EdDSA signature; the key it came from must still
 * be active). Failed attempts are rate-limited per client address.
 */
@Injectable()
export class SocketAuthenticator {
  private readonly verifyKeys: VerifyKeys;
  private readonly trusted: (address: string) => boolean;
  private readonly limiter: FailedAuthLimiter;
  private readonly refusals = this.metrics.counter('streamgate_delivery_handshakes_refused_total', 'Handshakes refused', ['code']);

  constructor(
    @Inject(DELIVERY_CONFIG) config: DeliveryConfig,
    private readonly access: AccessDirectory,
    private readonly metrics: Metrics,
  ) {
    this.verifyKeys = config.TOKEN_VERIFY_KEYS;
    this.trusted = trustedProxies(config.TRUSTED_PROXIES);
    this.limiter = new FailedAuthLimiter(config.AUTH_FAILURES_PER_MINUTE, 60_000);
  }

  /** The client's address: X-Forwarded-For's rightmost untrusted hop when the peer is a trusted proxy. */
  addressOf(handshake: { address: string; headers: Record<string, string | string[] | undefined> }): string {
    return clientAddress(handshake.address, handshake.headers['x-forwarded-for'], this.trusted);
  }

  async authenticate(auth: unknown, address: string): Promise<Principal> {
    if (this.limiter.retryAfter(address) > 0) return this.refuse('RATE_LIMITED');
    try {
      return await this.verify(isJsonObject(auth) ? auth : {});
    } catch (error) {
      if (!(error instanceof HandshakeRefused)) throw error;
      this.limiter.fail(address);
      return this.refuse(error.code);
    }
  }

  private async verify(auth: Record<string, unknown>): Promise<Principal> {
    if (typeof auth.apiKey === 'string') {
      const check = this.access.keys.verify(auth.apiKey, KeyScope.Subscribe);
      if (!check.ok) throw new HandshakeRefused('UNAUTHORIZED');
      return { partnerId: check.key.partnerId, keyId: check.key.id };
    }
    if (typeof auth.token === 'string') {
      const token = await this.verifyToken(auth.token);
      return { partnerId: token.partnerId, keyId: token.keyId, token: { streams: token.streams, expiresAt: token.expiresAt } };
    }
    throw new HandshakeRefused('UNAUTHORIZED');
  }

  /** A token is good while its signature, expiry and source key all are. */
  async verifyToken(token: string) {
    try {
      const claims = await verifyToken(this.verifyKeys, token);
      if (!this.access.keys.isActive(claims.keyId)) throw new HandshakeRefused('UNAUTHORIZED');
      return claims;
    } catch (error) {
      if (error instanceof TokenError) throw new HandshakeRefused(error.code);
      throw error;
    }
  }

  private refuse(code: HandshakeRefused['code']): never {
    this.refusals.inc({ code });
    throw new HandshakeRefused(code);
  }
}
