import type { Socket } from 'socket.io';
import type { Principal } from '../access/socket-authenticator.service';
import { SocketRegistry, requireState, stateOf } from './socket-registry';

// The registry reads only `id` and `data` of a socket.
const socket = (id: string) => ({ id, data: {} }) as unknown as Socket;
const principal = (partnerId: string, keyId: string): Principal => ({ partnerId, keyId });
const ids = (sockets: Socket[]) => sockets.map((s) => s.id).sort();

describe('SocketRegistry', () => {
  it('admits up to the limit per partner, each partner apart', () => {
    const registry = new SocketRegistry();
    expect([registry.admit('p1', 2), registry.admit('p1', 2), registry.admit('p1', 2)]).toEqual([true, true, false]);
    expect(registry.admit('p2', 2)).toBe(true);
  });

  it('frees an admission when an admitted socket is removed', () => {
    const registry = new SocketRegistry();
    const a = socket('a');
    registry.admit('p1', 1);
    registry.add(a, principal('p1', 'k1'));
    expect(registry.admit('p1', 1)).toBe(false);
    registry.remove(a);
    expect(registry.admit('p1', 1)).toBe(true);
  });

  it('gives back an admission whose socket never connected', () => {
    const registry = new SocketRegistry();
    expect(registry.admit('p1', 1)).toBe(true);
    expect(registry.admit('p1', 1)).toBe(false);
    registry.release('p1');
    expect(registry.admit('p1', 1)).toBe(true);
  });

  it('keeps the state on the socket and indexes it by partner and by key', () => {
    const registry = new SocketRegistry();
    const [a, b, c] = [socket('a'), socket('b'), socket('c')];
    const state = registry.add(a, principal('p1', 'k1'), 1_000);
    registry.add(b, principal('p1', 'k2'));
    registry.add(c, principal('p2', 'k3'));
    expect(stateOf(a)).toBe(state);
    expect(state).toMatchObject({ principal: { partnerId: 'p1', keyId: 'k1' }, connectedAt: 1_000 });
    expect(state.subscriptions.size + state.replays.size).toBe(0);
    expect(registry.size).toBe(3);
    expect(ids(registry.all())).toEqual(['a', 'b', 'c']);
    expect(ids(registry.ofPartner('p1'))).toEqual(['a', 'b']);
    expect(ids(registry.ofKey('k2'))).toEqual(['b']);
    expect(registry.ofPartner('nobody')).toEqual([]);
    expect([...registry.partners()].map(([partnerId, sockets]) => [partnerId, ids(sockets)])).toEqual([
      ['p1', ['a', 'b']],
      ['p2', ['c']],
    ]);
  });

  it('removes a socket from every index once, returning its state only the first time', () => {
    const registry = new SocketRegistry();
    const a = socket('a');
    const state = registry.add(a, principal('p1', 'k1'));
    expect(registry.remove(a)).toBe(state);
    expect(registry.remove(a)).toBeUndefined();
    expect(registry.size).toBe(0);
    expect(registry.ofPartner('p1')).toEqual([]);
    expect(registry.ofKey('k1')).toEqual([]);
    expect(registry.partners().size).toBe(0);
  });

  it('ignores a socket that was never registered', () => {
    const registry = new SocketRegistry();
    expect(registry.remove(socket('stranger'))).toBeUndefined();
  });

  it('moves a rekeyed socket to its new key and keeps its partner', () => {
    const registry = new SocketRegistry();
    const a = socket('a');
    registry.add(a, principal('p1', 'k1'));
    registry.rekey(a, principal('p1', 'k2'));
    expect(registry.ofKey('k1')).toEqual([]);
    expect(ids(registry.ofKey('k2'))).toEqual(['a']);
    expect(ids(registry.ofPartner('p1'))).toEqual(['a']);
    expect(requireState(a).principal.keyId).toBe('k2');
    registry.remove(a);
    expect(registry.ofKey('k2')).toEqual([]);
  });

  it('hands out copies, so callers may remove sockets while iterating', () => {
    const registry = new SocketRegistry();
    registry.add(socket('a'), principal('p1', 'k1'));
    registry.add(socket('b'), principal('p1', 'k1'));
    for (const s of registry.ofKey('k1')) registry.remove(s);
    expect(registry.size).toBe(0);
  });

  it('refuses to work on a socket without delivery state', () => {
    expect(stateOf(socket('raw'))).toBeUndefined();
    expect(() => requireState(socket('raw'))).toThrow(/without delivery state/);
  });
});
