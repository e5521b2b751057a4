import { Controller, Get, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Page } from '../../common/decorators/page.decorator.js';
import { Public, Roles } from '../../common/decorators/public.decorator.js';
import { STAFF_ROLES } from '../auth/entities/staff-user.entity.js';

/** The public landing page and the staff start page. */
@ApiExcludeController()
@Controller()
export class WebController {
  @Public()
  @Get()
  @Page('home', 'home.title', 'public')
  home() {
    return {};
  }

  @Roles(...STAFF_ROLES)
  @Get('staff')
  @Page('staff/dashboard', 'staff.dashboard.title')
  dashboard(@Req() req: FastifyRequest) {
    const role = req.staff!.role;
    return { role, isAdmin: role === 'admin' };
  }
}
