import { invalid } from './errors.js';

/** ISO 4217 alphabetic codes the shop may be configured with (SHOP_CURRENCY), and their minor-unit digits. */
const minorUnitDigits: Readonly<Record<string, number>> = {
  KRW: 0, JPY: 0, USD: 2, EUR: 2, GBP: 2, CHF: 2, CAD: 2, AUD: 2, CNY: 2, SGD: 2, HKD: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, CZK: 2, NZD: 2, INR: 2, BHD: 3, KWD: 3,
};

/** The codes SHOP_CURRENCY may name. */
export const currencyCodes: readonly string[] = Object.keys(minorUnitDigits);

export const isCurrency = (code: string): boolean => Object.hasOwn(minorUnitDigits, code);

/** An amount of money: a whole number of minor units >= 0 that adds up without losing precision. */
export function checkAmount(field: string, amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw invalid(field, 'must be a whole number of minor units >= 0');
  return amount;
}

export function checkCurrency(field: string, currency: string): string {
  if (!isCurrency(currency)) throw invalid(field, `must be an ISO 4217 code the shop knows (${currencyCodes.join(', ')})`);
  return currency;
}
