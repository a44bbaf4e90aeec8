interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  batchContext: { producerId: string; inTransaction: boolean };
}

interface AbortedTransaction {
  firstOffset: string;
  producerId: string;
}

const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

/**
 * kafkajs 2.2.4's filter of aborted transactional records, fixed. It stepped into at most one
 * aborted transaction per record: when several producers' aborted transactions start before a
 * record (a fenced member's open transactions, one per input partition, all writing to the same
 * output partition), the second and later ones were let through to read_committed consumers —
 * records that were never committed, seen as duplicates downstream. Here every aborted
 * transaction starting at or before the record is entered. Same inputs and output as kafkajs's.
 */
function filterAbortedMessages({ messages, abortedTransactions }: { messages: FetchedMessage[]; abortedTransactions?: AbortedTransaction[] }): FetchedMessage[] {
  if (!abortedTransactions || abortedTransactions.length === 0) return messages;
  const pending = [...abortedTransactions].sort((a, b) => (BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : 1));
  const aborted = new Set<string>();
  return messages.filter((message) => {
    const offset = BigInt(message.offset);
    while (pending.length > 0 && offset >= BigInt((pending[0] as AbortedTransaction).firstOffset)) aborted.add(String((pending.shift() as AbortedTransaction).producerId));
    const producerId = String(message.batchContext.producerId);
    if (message.key && Buffer.from(message.key).equals(ABORT_MARKER_KEY)) {
      aborted.delete(producerId);
      return true;
    }
    return !(aborted.has(producerId) && message.batchContext.inTransaction);
  });
}

export = filterAbortedMessages;
