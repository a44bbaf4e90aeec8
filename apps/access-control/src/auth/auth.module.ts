import { Global, Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { AuthLimiter } from './auth-limiter.service';

@Global()
@Module({ providers: [AuthLimiter, AdminGuard], exports: [AuthLimiter, AdminGuard] })
export class AuthModule {}
