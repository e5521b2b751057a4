import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../common/decorators/public.decorator.js';
import { RemindersService } from './reminders.service.js';

@ApiTags('cases')
@Roles('admin')
@Controller('api/v1/admin/reminders')
export class RemindersController {
  constructor(private readonly reminders: RemindersService) {}

  @Post('run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run the hourly case reminders now (deadline reminders, overdue tasks); counts only',
  })
  run() {
    return this.reminders.run();
  }
}
