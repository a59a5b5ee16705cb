import type { MyPageServiceServer } from '#contracts/mypage/v1/mypage.js';
import { unary } from '#kit/grpc/unary.js';
import type { MyPageQueries } from '../../app/my-page-queries.js';
import { myCouponEntryMessage, myPageRowMessage } from './messages.js';

/** bookstore.mypage.v1.MyPageService: decode, query the view, encode. */
export function myPageService(queries: MyPageQueries): MyPageServiceServer {
  return {
    listMyPages: unary(async (request) => {
      const page = await queries.myPages(request.customerId, request);
      return { rows: page.items.map(myPageRowMessage), nextPageToken: page.nextPageToken };
    }),

    getMyPage: unary(async (request) => {
      const myPage = await queries.myPage(request.customerId, request);
      return {
        customerId: myPage.customerId,
        customerName: myPage.customerName ?? '',
        rows: myPage.rows.items.map(myPageRowMessage),
        nextPageToken: myPage.rows.nextPageToken,
      };
    }),

    listMyCoupons: unary(async (request) => {
      const page = await queries.myCoupons(request.customerId, request);
      return { entries: page.items.map(myCouponEntryMessage), nextPageToken: page.nextPageToken };
    }),
  };
}
