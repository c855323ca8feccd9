// An invoice as a PDF (pdfkit): the same content as the HTML document — seller, buyer, number,
// dates, lines, coupon discount, VAT or the reverse-charge note, the totals, and how to pay.
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { formatMoney } from '../domain/billing/money.ts';
import type { InvoiceLineRow, InvoiceRow } from '../store/schema.ts';
import { day, invoiceStatusText, partyLines, paymentLines } from './invoice-html.ts';

/**
 * DejaVu Sans, embedded (subset) in every invoice: it covers Latin, Greek and Cyrillic names and
 * addresses and every currency sign, which pdfkit's built-in Helvetica (Windows-1252) does not.
 */
const fontFile = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const fonts = { regular: fontFile, bold: fontFile.replace('DejaVuSans.ttf', 'DejaVuSans-Bold.ttf') };

export function renderInvoicePdf(invoice: InvoiceRow, lines: InvoiceLineRow[]): Promise<Buffer> {
  const money = (minor: string | number) => formatMoney(Number(minor), invoice.currency);
  // A fixed creation date keeps the file the same for the same invoice (its mail and its download).
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Invoice ${invoice.number}`, Author: invoice.seller.name, CreationDate: new Date(invoice.issued_at) } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  doc.font(fonts.bold).fontSize(20).text(`Invoice ${invoice.number}`);
  doc.moveDown(0.3).font(fonts.regular).fontSize(10)
    .text(`Issued ${day(invoice.issued_at)} · period ${day(invoice.period_start)} to ${day(invoice.period_end)} · ${invoiceStatusText(invoice)}`);
  doc.moveDown();

  const partiesTop = doc.y;
  const column = width / 2;
  for (const [index, [title, who]] of ([['From', invoice.seller], ['To', invoice.buyer]] as const).entries()) {
    doc.font(fonts.bold).fontSize(11).text(title, left + index * column, partiesTop, { width: column - 10 });
    doc.font(fonts.regular).fontSize(10);
    for (const line of partyLines(who)) doc.text(line, { width: column - 10 });
  }
  doc.x = left;
  doc.y = Math.max(doc.y, partiesTop + 90);
  doc.moveDown();

  const amountWidth = 90;
  const descriptionWidth = width - 2 * amountWidth;
  const row = (cells: [string, string, string], bold = false) => {
    const top = doc.y;
    doc.font(bold ? fonts.bold : fonts.regular).fontSize(10);
    doc.text(cells[0], left, top, { width: descriptionWidth - 10 });
    const bottom = doc.y;
    doc.text(cells[1], left + descriptionWidth, top, { width: amountWidth, align: 'right' });
    doc.text(cells[2], left + descriptionWidth + amountWidth, top, { width: amountWidth, align: 'right' });
    doc.x = left;
    doc.y = Math.max(bottom, doc.y) + 4;
  };
  row(['Item', 'Amount', 'Discount'], true);
  doc.moveTo(left, doc.y).lineTo(left + width, doc.y).strokeColor('#999999').stroke();
  doc.y += 4;
  for (const line of lines) row([line.description, money(line.amount_minor), Number(line.discount_minor) > 0 ? `-${money(line.discount_minor)}` : '']);
  doc.moveDown();

  const total = (label: string, amount: string, bold = false) => row([label, '', amount], bold);
  total('Subtotal', money(invoice.subtotal_minor));
  if (Number(invoice.discount_minor) > 0) total(`Discount${invoice.coupon_code ? ` (coupon ${invoice.coupon_code})` : ''}`, `-${money(invoice.discount_minor)}`);
  total(`VAT ${invoice.tax_rate_bp / 100}%`, money(invoice.tax_minor));
  total('Total', money(invoice.total_minor), true);
  if (invoice.tax_note) {
    doc.moveDown().font(fonts.regular).fontSize(10).text(invoice.tax_note, left, doc.y, { width });
  }
  if (invoice.status !== 'void') {
    doc.moveDown().font(fonts.bold).fontSize(11).text('Payment', left, doc.y, { width });
    doc.font(fonts.regular).fontSize(10);
    for (const line of paymentLines(invoice)) doc.text(line, left, doc.y, { width });
  }
  doc.end();
  return done;
}
