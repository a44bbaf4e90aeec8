import { Module } from '@nestjs/common';
import { ControlOutbox } from './control-outbox';
import { ControlReconciler } from './control-reconciler.service';
import { ControlRelay } from './control-relay.service';

@Module({ providers: [ControlOutbox, ControlReconciler, ControlRelay], exports: [ControlOutbox, ControlReconciler] })
export class ControlModule {}
