/**
 * Record ids belong to their publisher. A record published over HTTP by partner P with id X
 * has the Envelope id `P:X` (`P:<uuid>` when no id was given), so a partner can neither
 * suppress another publisher's record (ingest's dedupe window, the SDK's id dedupe) nor shadow
 * it. Ids from Kafka producers (the `id` header) stay as they are, in the internal namespace;
 * the partner form `ptn_…:` is reserved there, so no HTTP id can equal an internal one.
 */

/** Header HTTP publish writes with the publishing partner's id; its `id` header is then `P:X`. */
export const PUBLISHER_HEADER = 'publisher';

// Partner ids are `ptn_<hex>` (access-control mints them) and never contain ':'.
const PARTNER_NAMESPACE = /^ptn_[^:]*:/;

export function publisherRecordId(partnerId: string, id: string): string {
  return `${partnerId}:${id}`;
}

/**
 * Why an `id` header cannot stand, given the `publisher` header, or undefined when it can:
 * a publisher's id must be in its own namespace, and an internal id not in a partner's.
 */
export function idNamespaceProblem(id: string, publisher: string | undefined, maxIdLength: number): string | undefined {
  if (publisher === undefined) {
    return PARTNER_NAMESPACE.test(id) ? 'ids of the form ptn_…:… are reserved for records published over HTTP' : undefined;
  }
  if (publisher.length === 0 || publisher.includes(':')) return 'header publisher must be a partner id';
  const prefix = `${publisher}:`;
  if (!id.startsWith(prefix)) return `header id must be in the publisher's namespace (${prefix}…)`;
  const own = id.length - prefix.length;
  return own < 1 || own > maxIdLength ? `header id must be ${prefix} and 1..${maxIdLength} characters` : undefined;
}
