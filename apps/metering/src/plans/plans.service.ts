import { Injectable } from '@nestjs/common';
import { isJsonObject, DomainException, ErrorCode } from '@streamgate/contracts';
import { isDecimalString } from '../billing';
import { QuotaService } from '../quotas/quota.service';
import { PlansRepository } from './plans.repository';
import type { Plan } from './plans.repository';

const ID = /^[a-z0-9_-]{1,64}$/;

/** Plans: unit prices as decimal strings, every amount in integer cents, optional limits. */
@Injectable()
export class PlansService {
  constructor(
    private readonly plans: PlansRepository,
    private readonly quotas: QuotaService,
  ) {}

  list(): Promise<Plan[]> {
    return this.plans.list();
  }

  async get(id: string): Promise<Plan> {
    const plan = await this.plans.get(id);
    if (!plan) throw new DomainException(ErrorCode.PlanNotFound, `no plan ${id}`);
    return plan;
  }

  async create(body: unknown): Promise<Plan> {
    const plan = parsePlan(body);
    if (!(await this.plans.save(plan, false))) throw new DomainException(ErrorCode.PlanExists, `plan ${plan.id} already exists`);
    return plan;
  }

  async replace(id: string, body: unknown): Promise<Plan> {
    const plan = parsePlan(isJsonObject(body) ? { ...body, id } : body);
    if (plan.id !== id) throw new DomainException(ErrorCode.IdMismatch, `the body names ${plan.id}, the URL ${id}`);
    await this.get(id);
    await this.plans.save(plan, true);
    // New limits apply at once to every partner on the plan.
    this.quotas.planChanged(id);
    return plan;
  }
}

export function parsePlan(body: unknown): Plan {
  if (!isJsonObject(body)) throw new DomainException(ErrorCode.InvalidPlan, 'a plan is a JSON object');
  const problems: string[] = [];
  const allowed = ['id', 'name', 'currency', 'pricePerMillionRecords', 'pricePerGb', 'includedRecords', 'monthlyMinimumCents', 'softLimitRecords', 'hardLimitRecords', 'maxConnections', 'replayRecordsPerSecond'];
  for (const key of Object.keys(body)) if (!allowed.includes(key)) problems.push(`unknown field ${key}`);
  const text = (key: string, pattern: RegExp, fallback?: string) => {
    const value = body[key] ?? fallback;
    if (typeof value !== 'string' || !pattern.test(value)) problems.push(`${key} is required and must match ${pattern}`);
    return value as string;
  };
  const price = (key: string) => {
    const value = body[key];
    if (typeof value !== 'string' || !isDecimalString(value)) problems.push(`${key} must be a decimal string such as "12.50" (currency units)`);
    return value as string;
  };
  const count = (key: string, required: boolean): number | null => {
    const value = body[key];
    if (value === undefined || value === null) {
      if (required) problems.push(`${key} is required`);
      return required ? 0 : null;
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) problems.push(`${key} must be a non-negative integer`);
    return value as number;
  };
  const plan: Plan = {
    id: text('id', ID),
    name: text('name', /^.{1,200}$/),
    currency: text('currency', /^[A-Z]{3}$/, 'USD'),
    pricePerMillionRecords: price('pricePerMillionRecords'),
    pricePerGb: price('pricePerGb'),
    includedRecords: count('includedRecords', false) ?? 0,
    monthlyMinimumCents: count('monthlyMinimumCents', false) ?? 0,
    softLimitRecords: count('softLimitRecords', false),
    hardLimitRecords: count('hardLimitRecords', false),
    maxConnections: count('maxConnections', false),
    replayRecordsPerSecond: count('replayRecordsPerSecond', false),
  };
  if (plan.softLimitRecords !== null && plan.hardLimitRecords !== null && plan.softLimitRecords > plan.hardLimitRecords) problems.push('softLimitRecords must not exceed hardLimitRecords');
  if (problems.length > 0) throw new DomainException(ErrorCode.InvalidPlan, problems.join('; '));
  return plan;
}
