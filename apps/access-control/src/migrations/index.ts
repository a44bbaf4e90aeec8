import { CreateStreams1764300000000 } from './1764300000000-create-streams';
import { CreateCatalogAndPartners1764400000000 } from './1764400000000-create-catalog-and-partners';
import { CreateEntitlementsAndAudit1764500000000 } from './1764500000000-create-entitlements-and-audit';
import { CreateControlOutbox1764600000000 } from './1764600000000-create-control-outbox';

/** Applied in order at start-up; history kept in access_control_migrations. */
export const ACCESS_CONTROL_MIGRATIONS = [CreateStreams1764300000000, CreateCatalogAndPartners1764400000000, CreateEntitlementsAndAudit1764500000000, CreateControlOutbox1764600000000];
