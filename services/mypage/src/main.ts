import { MyPageServiceService } from '#contracts/mypage/v1/mypage.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { replayMigrations } from '#kit/events/replay.js';
import { defineService } from '#kit/host/define-service.js';
import type { ServiceBlueprint } from '#kit/host/service-host.js';
import { MyPageProjection } from './app/my-page-projection.js';
import { MyPageQueries } from './app/my-page-queries.js';
import { KnexMyPageStore } from './adapters/db/knex-mypage-store.js';
import { myPageMigrations } from './adapters/db/migrations.js';
import { myPageEventHandlers, myPageReader } from './adapters/events/incoming.js';
import { myPageService } from './adapters/grpc/mypage-service.js';

export interface MyPageConfig extends ServiceConfig {
  /** MYPAGE_REBUILD: empty the view at start and build it again from the start of the stream. */
  rebuild: boolean;
}

/** Wiring only: config -> adapters -> use cases -> the kit's service host. */
function myPageBlueprint(): ServiceBlueprint<MyPageConfig> {
  return {
    migrations: [...replayMigrations, ...myPageMigrations],
    beforeServing: async ({ db, config, log }) => {
      if (!config.rebuild) return;
      await new KnexMyPageStore(db).forget(myPageReader);
      log.info('my page emptied; rebuilding it from the start of the stream');
    },
    replays: ({ db, log }) => {
      const { events, handle } = myPageEventHandlers(new KnexMyPageStore(db), new MyPageProjection(), log);
      return [{ name: myPageReader, events, apply: handle }];
    },
    grpcServices: ({ db }) => [
      { definition: MyPageServiceService, implementation: myPageService(new MyPageQueries(new KnexMyPageStore(db))) },
    ],
  };
}

export const myPage = defineService('mypage', myPageBlueprint, (read) => ({ rebuild: read.bool('MYPAGE_REBUILD', false) }));

myPage.runIfEntry(import.meta.url);
