import 'reflect-metadata';
import { KafkaBatchTransport } from '@streamgate/kafka';
import { bootstrapService, runService } from '@streamgate/service';
import { AppModule } from './app.module';
import { loadAccessControlConfig } from './config/access-control.config';

runService(async () => {
  const config = loadAccessControlConfig();
  await bootstrapService(AppModule.register(config), { name: 'access-control', http: config, transport: KafkaBatchTransport });
});
