import { Module } from '@nestjs/common';
import { ControlPublisher } from './control-publisher.service';
import { ControlReconciler } from './control-reconciler.service';

@Module({ providers: [ControlPublisher, ControlReconciler], exports: [ControlPublisher, ControlReconciler] })
export class ControlModule {}
