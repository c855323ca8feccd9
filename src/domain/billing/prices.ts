// What a host costs per month: its size's price per seat times its seats, never fewer than the minimum.
import type { Size } from '../sizes.ts';
import { formatMoney } from './money.ts';

export function monthlyPrice(size: Size, seats: number): number {
  return size.pricePerSeatMinor * Math.max(seats, size.minSeats);
}

export function periodLineDescription(size: Size, label: string, seats: number, period: { start: Date; end: Date }): string {
  return `${size.title} host ${label}: ${seats} seats × ${formatMoney(size.pricePerSeatMinor, size.currency)}, ${day(period.start)} to ${day(period.end)}`;
}

export function seatsLineDescription(size: Size, label: string, from: number, to: number, at: Date, periodEnd: Date): string {
  return `${size.title} host ${label}: seats ${from} → ${to}, prorated ${day(at)} to ${day(periodEnd)}`;
}

const day = (date: Date) => date.toISOString().slice(0, 10);
