import 'reflect-metadata';
import { KafkaBatchTransport } from '@streamgate/kafka';
import { bootstrapService, runService } from '@streamgate/service';
import { AppModule } from './app.module';
import { loadEnrichmentConfig } from './config/enrichment.config';

runService(async () => {
  const config = loadEnrichmentConfig();
  await bootstrapService(AppModule.register(config), { name: 'enrichment', http: config, transport: KafkaBatchTransport });
});
