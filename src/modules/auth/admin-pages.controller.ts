import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Page } from '../../common/decorators/page.decorator.js';
import { Roles } from '../../common/decorators/public.decorator.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { formErrors, validateForm } from '../../common/forms.js';
import { Redirect } from '../../common/views/page.interceptor.js';
import { ViewRenderer } from '../../common/views/view-renderer.js';
import { actorOf, organisationView, userView } from './admin-api.controller.js';
import { ChangeRoleDto, CreateOrganisationDto, CreateUserDto } from './dto/auth.dto.js';
import { ORGANISATION_KINDS } from './entities/organisation.entity.js';
import { STAFF_ROLES } from './entities/staff-user.entity.js';
import { StaffService } from './staff.service.js';

@ApiExcludeController()
@Roles('admin')
@Controller('admin')
export class AdminPagesController {
  constructor(
    private readonly staff: StaffService,
    private readonly renderer: ViewRenderer,
  ) {}

  private async organisationsPage(extra: object = {}) {
    return {
      organisations: (await this.staff.listOrganisations()).map(organisationView),
      kinds: ORGANISATION_KINDS,
      values: {},
      ...extra,
    };
  }

  @Get('organisations')
  @Page('admin/organisations', 'admin.organisations.title')
  organisations() {
    return this.organisationsPage();
  }

  @Post('organisations')
  @Page('admin/organisations', 'admin.organisations.title')
  async createOrganisation(@Req() req: FastifyRequest, @Body() body: Record<string, unknown>) {
    const { value, fields } = await validateForm(CreateOrganisationDto, body);
    try {
      if (fields.length) throw new DomainError('validation', 'errors.validation', {}, fields);
      await this.staff.createOrganisation(actorOf(req), value);
      return new Redirect('/admin/organisations?created=1');
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return this.organisationsPage({
        status: e.status,
        values: body,
        errors: formErrors(this.renderer, req.lang, e.fields, e),
      });
    }
  }

  private async usersPage(req: FastifyRequest, extra: object = {}) {
    const scope = await this.staff.administeredOrganisation(actorOf(req));
    return {
      users: (await this.staff.listUsers(scope ?? undefined)).map(userView),
      organisations: (await this.staff.listOrganisations())
        .filter((o) => scope === null || o.id === scope)
        .map(organisationView),
      roles: STAFF_ROLES,
      values: {},
      ...extra,
    };
  }

  @Get('users')
  @Page('admin/users', 'admin.users.title')
  users(@Req() req: FastifyRequest) {
    return this.usersPage(req);
  }

  @Post('users')
  @Page('admin/users', 'admin.users.title')
  async createUser(@Req() req: FastifyRequest, @Body() body: Record<string, unknown>) {
    const { value, fields } = await validateForm(CreateUserDto, body);
    try {
      if (fields.length) throw new DomainError('validation', 'errors.validation', {}, fields);
      const { user, oneTimePassword } = await this.staff.createUser(actorOf(req), value);
      return this.usersPage(req, { created: { email: user.email, oneTimePassword } });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return this.usersPage(req, {
        status: e.status,
        values: body,
        errors: formErrors(this.renderer, req.lang, e.fields, e),
      });
    }
  }

  @Post('users/:id/role')
  @Page('admin/users', 'admin.users.title')
  async changeRole(
    @Req() req: FastifyRequest,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Record<string, unknown>,
  ) {
    const { value, fields } = await validateForm(ChangeRoleDto, body);
    try {
      if (fields.length) throw new DomainError('validation', 'errors.validation', {}, fields);
      await this.staff.changeRole(actorOf(req), id, value.role);
      return new Redirect('/admin/users?updated=1');
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return this.usersPage(req, {
        status: e.status,
        errors: formErrors(this.renderer, req.lang, e.fields, e),
      });
    }
  }

  @Post('users/:id/:action')
  @Page('admin/users', 'admin.users.title')
  async userAction(
    @Req() req: FastifyRequest,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('action') action: string,
  ) {
    try {
      switch (action) {
        case 'disable':
        case 'enable':
          await this.staff.setDisabled(actorOf(req), id, action === 'disable');
          return new Redirect('/admin/users?updated=1');
        case 'reset-mfa':
          await this.staff.resetMfa(actorOf(req), id);
          return new Redirect('/admin/users?updated=1');
        case 'reset-password': {
          const password = await this.staff.resetPassword(actorOf(req), id);
          const user = await this.staff.findUser(id);
          return this.usersPage(req, { created: { email: user?.email, oneTimePassword: password } });
        }
        default:
          throw new DomainError('not_found');
      }
    } catch (e) {
      if (!(e instanceof DomainError) || e.code === 'not_found') throw e;
      return this.usersPage(req, {
        status: e.status,
        errors: formErrors(this.renderer, req.lang, e.fields, e),
      });
    }
  }
}
