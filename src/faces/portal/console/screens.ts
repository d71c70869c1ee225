/** The console screens kept in their own files (registered by console-pages.ts through consoleScreenRoutes). */
import type { ConsoleScreen } from './console-kit.ts';
import { senderNumberReviewScreen } from './sender-number-review.ts';
import { kakaoTemplateReviewScreen } from './kakao-template-review.ts';
import { kakaoChannelAdminScreen } from './kakao-channel-admin.ts';
import { billsConsoleScreen } from './bills-console.ts';
import { billConsoleScreen } from './bill-console.ts';
import { memberLookupScreen } from './member-lookup.ts';
import { systemHealthScreen } from './system-health.ts';

export const CONSOLE_SCREENS: readonly ConsoleScreen[] = [senderNumberReviewScreen, kakaoTemplateReviewScreen, kakaoChannelAdminScreen, billsConsoleScreen, billConsoleScreen, memberLookupScreen, systemHealthScreen];
