import { Controller, Get, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Page } from '../../common/decorators/page.decorator.js';
import { Roles } from '../../common/decorators/public.decorator.js';
import { STAFF_ROLES } from '../auth/entities/staff-user.entity.js';

/** The staff start page (the public pages belong to the intake module). */
@ApiExcludeController()
@Controller()
export class WebController {
  @Roles(...STAFF_ROLES)
  @Get('staff')
  @Page('staff/dashboard', 'staff.dashboard.title')
  dashboard(@Req() req: FastifyRequest) {
    const role = req.staff!.role;
    return { role, isAdmin: role === 'admin' };
  }
}
