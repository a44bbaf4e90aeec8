import { CreateStreams1764300000000 } from './1764300000000-create-streams';

/** Applied in order at start-up; history kept in access_control_migrations. */
export const ACCESS_CONTROL_MIGRATIONS = [CreateStreams1764300000000];
