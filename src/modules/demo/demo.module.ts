import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { IntakeModule } from '../intake/intake.module.js';
import { DemoCasesSeeder } from './demo-cases.seeder.js';
import { DemoService } from './demo.service.js';

/** Demo data for `npm run demo` and `npm run cli -- demo:seed`: organisations, a login per role, reports and cases. */
@Module({
  imports: [IntakeModule, CasesModule],
  providers: [DemoService, DemoCasesSeeder],
  exports: [DemoService, DemoCasesSeeder],
})
export class DemoModule {}
