import 'reflect-metadata';
import { KafkaBatchTransport } from '@streamgate/kafka';
import { bootstrapService, runService } from '@streamgate/service';
import { AppModule } from './app.module';
import { loadDeliveryConfig } from './config/delivery.config';

runService(async () => {
  const config = loadDeliveryConfig();
  await bootstrapService(AppModule.register(config), { name: 'delivery', http: config, transport: KafkaBatchTransport });
});
