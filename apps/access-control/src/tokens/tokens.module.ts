import { Module } from '@nestjs/common';
import { EntitlementsModule } from '../entitlements/entitlements.module';
import { PartnersModule } from '../partners/partners.module';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({ imports: [PartnersModule, EntitlementsModule], controllers: [TokensController], providers: [TokensService] })
export class TokensModule {}
