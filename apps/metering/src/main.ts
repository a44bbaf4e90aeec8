import 'reflect-metadata';
import { KafkaBatchTransport } from '@streamgate/kafka';
import { bootstrapService, runService } from '@streamgate/service';
import { AppModule } from './app.module';
import { loadMeteringConfig } from './config/metering.config';

runService(async () => {
  const config = loadMeteringConfig();
  await bootstrapService(AppModule.register(config), { name: 'metering', http: config, transport: KafkaBatchTransport });
});
