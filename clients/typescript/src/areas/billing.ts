/** 정산: the partner's monthly bills, its billing account and the usage charged so far (예상 청구). */
import type { Operations } from '../generated/api.ts';
import { callOperation } from '../operation-call.ts';
import type { ClientContext } from '../context.ts';
import { numberedPage, paginate } from '../paging.ts';
import type { CallOptions } from '../transport.ts';

type Ops = Operations;
export type BillQuery = NonNullable<Ops['GET /v1/partner/bills']['query']>;
export type BillRow = Ops['GET /v1/partner/bills']['success']['data'][number];
export type UsageQuery = NonNullable<Ops['GET /v1/partner/billing/expected']['query']>;
export type UsageRow = Ops['GET /v1/partner/billing/expected']['success']['data'][number];

export class BillingApi {
  readonly bills: BillsApi;
  readonly usage: UsageApi;

  constructor(private readonly c: ClientContext) {
    this.bills = new BillsApi(c);
    this.usage = new UsageApi(c);
  }

  /** How the partner pays: virtual account, CMS consent, credit. */
  account(options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, 'GET /v1/partner/billing/account', { ...options });
  }
}

export class BillsApi {
  constructor(private readonly c: ClientContext) {}

  list(query: BillQuery = {}, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, 'GET /v1/partner/bills', { query, ...options });
  }

  iterate(query: Omit<BillQuery, 'page'> = {}, options?: CallOptions): AsyncGenerator<BillRow, void, undefined> {
    return paginate<BillRow, number>(async (page) => numberedPage(await this.list({ ...query, ...(page !== undefined ? { page } : {}) }, options)));
  }

  get(orderNo: string, query: NonNullable<Ops['GET /v1/partner/bills/{orderNo}']['query']> = {}, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, 'GET /v1/partner/bills/{orderNo}', { path: { orderNo }, query, ...options });
  }
}

/** Usage charged so far in a period (the expected bill), line by line. */
export class UsageApi {
  constructor(private readonly c: ClientContext) {}

  list(query: UsageQuery = {}, options?: CallOptions) {
    return callOperation(this.c.transport, this.c.subscription, 'GET /v1/partner/billing/expected', { query, ...options });
  }

  iterate(query: Omit<UsageQuery, 'page'> = {}, options?: CallOptions): AsyncGenerator<UsageRow, void, undefined> {
    return paginate<UsageRow, number>(async (page) => numberedPage(await this.list({ ...query, ...(page !== undefined ? { page } : {}) }, options)));
  }
}
