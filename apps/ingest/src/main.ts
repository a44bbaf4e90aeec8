import 'reflect-metadata';
import { bootstrapService, runService } from '@streamgate/service';
import { AppModule } from './app.module';
import { PUBLISH_LIMITS, loadIngestConfig } from './config/ingest.config';

runService(async () => {
  const config = loadIngestConfig();
  await bootstrapService(AppModule.register(config), { name: 'ingest', http: config, bodyLimit: PUBLISH_LIMITS.maxBodyBytes });
});
