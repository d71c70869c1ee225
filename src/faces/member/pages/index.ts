/**
 * Every screen of the member web, in one list (the plugin registers them; the menu is built from their `menu`).
 * To add a screen: write `pages/<name>-page.ts` exporting a MemberPage (member-kit.ts) and add it here — one line.
 */
import type { MemberPage } from '../member-kit.ts';
import { settingsPage } from './settings-page.ts';
import { purchasesPage, salesPage } from './ledger-pages.ts';
import { documentPage } from './document-page.ts';
import { writePage } from './write-page.ts';
import { counterpartiesPage } from './write-counterparties-page.ts';
import { bulkPage, bulkUploadPage } from './bulk-page.ts';
import { certificatePage } from './certificate-page.ts';
import { reverseNewPage, reversePage } from './reverse-page.ts';
import { cancelPage } from './cancel-page.ts';
import { respondPage } from './respond-page.ts';

export const MEMBER_PAGES: MemberPage[] = [
  salesPage,
  purchasesPage,
  documentPage,
  settingsPage,
  writePage,
  counterpartiesPage,
  bulkPage,
  bulkUploadPage,
  certificatePage,
  reversePage,
  reverseNewPage,
  cancelPage,
  respondPage,
];
