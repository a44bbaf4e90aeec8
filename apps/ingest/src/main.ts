import 'reflect-metadata';
import { KafkaBatchTransport } from '@streamgate/kafka';
import { bootstrapService, runService } from '@streamgate/service';
import { AppModule } from './app.module';
import { PUBLISH_LIMITS, loadIngestConfig } from './config/ingest.config';

runService(async () => {
  const config = loadIngestConfig();
  await bootstrapService(AppModule.register(config), { name: 'ingest', http: config, transport: KafkaBatchTransport, bodyLimit: PUBLISH_LIMITS.maxBodyBytes });
});
