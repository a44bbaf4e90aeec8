// `npm run provision`: creates the contract's topics on KAFKA_BROKERS (for an existing cluster).
import { provisionContractTopics } from '@streamgate/dev-stack';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
provisionContractTopics(brokers, process.env.TOPIC_PREFIX ?? '')
  .then((created) => console.log(created.length > 0 ? `created: ${created.join(', ')}` : 'all contract topics exist'))
  .catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
