import { Module } from '@nestjs/common';
import { DemoService } from './demo.service.js';

/** Demo data for `npm run demo` and `npm run cli -- demo:seed`. */
@Module({ providers: [DemoService], exports: [DemoService] })
export class DemoModule {}
