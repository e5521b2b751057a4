import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { AuthService } from './auth.service.js';
import type { StaffUserEntity } from './entities/staff-user.entity.js';

/** passport-local: e-mail + password, checked (and throttled) by AuthService. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password' });
  }

  validate(email: string, password: string): Promise<StaffUserEntity> {
    return this.auth.verifyPassword(String(email), String(password));
  }
}
