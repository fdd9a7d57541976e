// After a move to another page, focus goes to the new page's main heading (so a keyboard or
// screen-reader user starts reading there, not at the top of the body) and the page is announced.
// Changes of the query alone (a filter, a search) stay where the user is.
import { nextTick } from 'vue';
import { START_LOCATION, type RouteLocationNormalized, type Router } from 'vue-router';
import { announce } from './useAnnouncer';

export function pageTitle(route: RouteLocationNormalized): string {
  return route.name === 'case-detail' ? `Case #${String(route.params.id)}` : route.meta.title;
}

export function focusMainHeading(): void {
  const heading = document.querySelector<HTMLElement>('main h1');
  const target = heading ?? document.querySelector<HTMLElement>('main');
  if (!target) return;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus();
}

export function installRouteFocus(router: Router): () => void {
  return router.afterEach(async (to, from, failure) => {
    if (failure || from === START_LOCATION || to.path === from.path) return;
    await nextTick();
    focusMainHeading();
    announce(`${pageTitle(to)} page`);
  });
}
