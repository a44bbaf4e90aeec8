import { CreateConsumerOffsets1764300000000 } from './1764300000000-create-consumer-offsets';
import { CreateUsage1764600000000 } from './1764600000000-create-usage';

/** Applied in order at start-up; history kept in metering_migrations. */
export const METERING_MIGRATIONS = [CreateConsumerOffsets1764300000000, CreateUsage1764600000000];
