// tools/kafka: `npm run kafka -- start|stop|status [--port 9092]`
// Starts a local single-node KRaft broker from the Maven Central jars (see pom.xml), or finds
// the one already running; the broker keeps running after `start` returns until `stop`.
import { brokerAnswers, ensureKafka, kafkaVersion, stopKafka } from '@streamgate/dev-stack';

async function main(): Promise<void> {
  const [command = 'status', ...rest] = process.argv.slice(2);
  const portFlag = rest.indexOf('--port');
  const port = portFlag >= 0 ? Number(rest[portFlag + 1]) : 9092;
  const log = (line: string) => console.log(`[kafka] ${line}`);
  switch (command) {
    case 'start': {
      const broker = await ensureKafka({ port, log });
      log(broker.started ? `Apache Kafka ${broker.version} started on ${broker.brokers.join(',')} (pid ${broker.pid})` : `a broker already answers on ${broker.brokers.join(',')}`);
      return;
    }
    case 'stop':
      log((await stopKafka(port)) ? 'stopped' : 'no broker started by tools/kafka on this port');
      return;
    case 'status':
      log(`${(await brokerAnswers(`127.0.0.1:${port}`)) ? 'running' : 'not running'} on 127.0.0.1:${port} (pinned version ${kafkaVersion()})`);
      return;
    default:
      throw new Error(`unknown command ${command}: use start, stop or status`);
  }
}

main().catch((error: Error) => {
  console.error(`[kafka] ${error.message}`);
  process.exit(1);
});
