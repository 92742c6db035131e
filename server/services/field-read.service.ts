import type { FaultsQuery, PatrolQuery } from '../../shared/api/field.js';
import type { SessionUser } from '../../shared/auth.js';
import { coverage, type CoverageReport, type CoverageRule } from '../../shared/rules/coverage.js';
import { GUARD_POST_REACH_M } from '../../shared/rules/guard-post-setup.js';
import type { SchoolPatrol } from '../../shared/rules/patrol.js';
import type { CameraFault, PostLive, PostWindowFigures } from '../../shared/wall.js';
import type { FaultService } from './fault.service.js';
import type { GuardPostService } from './guard-post.service.js';
import { ok, type Outcome } from './outcome.js';
import type { PatrolService } from './patrol.service.js';
import type { RegistryService } from './registry.service.js';
import { isScoped, narrowFilters, outside, scopeCovers, scopeFor, type Scope } from './scope.js';

/** A 护学岗 post is within scope when one of the schools it covers is. */
function postCovered(scope: Scope, post: { districtCode: string; schoolIds: string[] }): boolean {
  return scope.schoolId !== null ? post.schoolIds.includes(scope.schoolId) : scopeCovers(scope, { districtCode: post.districtCode });
}

/**
 * The machinery in the field as read over REST, within the person's district or school: camera
 * fault tickets, 护学岗 states and today's figures, patrol rounds, coverage.
 */
export class FieldReads {
  constructor(private readonly deps: { faults: FaultService; posts: GuardPostService; patrol: PatrolService; registry: RegistryService; guardPostReachM?: number }) {}

  /** Fault tickets by state; a district or school outside the scope is refused. */
  async faults(query: FaultsQuery, user: SessionUser): Promise<Outcome<{ faults: CameraFault[] }>> {
    const scope = scopeFor(user, this.deps.registry);
    const filters = narrowFilters(scope, this.deps.registry, query);
    if (!filters) return outside(scope);
    const { districtCode: _d, schoolId: _s, ...rest } = query;
    return ok({ faults: await this.deps.faults.list({ ...rest, ...filters }) });
  }

  /** The live state of each post in scope. */
  postStatus(user: SessionUser): PostLive[] {
    const visible = this.visiblePosts(user);
    const posts = this.deps.posts.list();
    return visible ? posts.filter((p) => visible.has(p.postId)) : posts;
  }

  /** Today's figures per duty window, of the posts in scope. */
  postFigures(user: SessionUser): PostWindowFigures[] {
    return this.deps.posts.figures(this.visiblePosts(user));
  }

  /** Today's patrol rounds of the schools asked for, within the scope. */
  patrol(query: PatrolQuery, user: SessionUser): Outcome<{ schools: SchoolPatrol[] }> {
    const scope = scopeFor(user, this.deps.registry);
    const filters = narrowFilters(scope, this.deps.registry, query);
    return filters ? ok({ schools: this.deps.patrol.list(filters) }) : outside(scope);
  }

  /** 护学岗 and police-post coverage of the schools in scope, with the reaches asked for. */
  coverage(rule: CoverageRule, user: SessionUser): CoverageReport {
    const { registry } = this.deps;
    const scope = scopeFor(user, registry);
    const schools = registry.schools().filter((s) => scopeCovers(scope, { districtCode: s.districtCode, schoolId: s.id }));
    const guardPosts = registry.guardPosts().filter((p) => postCovered(scope, p));
    const policePosts = registry.policePosts().filter((p) => !scope.districtCode || p.districtCode === scope.districtCode);
    // THE 设置率 finds posts over a district line too, as the desk's compliance rule does.
    return coverage({ schools, guardPosts, policePosts }, rule, { reachM: this.deps.guardPostReachM ?? GUARD_POST_REACH_M, guardPosts: registry.guardPosts() });
  }

  /** The posts a person sees; undefined: all (a city-level person). */
  private visiblePosts(user: SessionUser): Set<string> | undefined {
    const scope = scopeFor(user, this.deps.registry);
    if (!isScoped(scope)) return undefined;
    return new Set(this.deps.registry.guardPosts().filter((p) => postCovered(scope, p)).map((p) => p.id));
  }
}
