import { computed, inject, onScopeDispose, provide, readonly, ref, type ComputedRef, type InjectionKey, type Ref } from 'vue';

/** The kiosk is designed as one 1920×1080 stage (CSS pixels); a 3840×2160 wall runs it at device scale factor 2. */
export const STAGE_WIDTH = 1920;
export const STAGE_HEIGHT = 1080;

/** How the stage sits in a viewport: uniform scale and the letterbox offsets (CSS pixels). */
export interface StageFit {
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** A rectangle in stage or viewport pixels. */
export interface StageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The largest uniform scale at which the whole stage fits the viewport, centred: bars left and
 * right on a wider screen, above and below on a taller one (letterbox). A 1920×1080 viewport
 * (a 4K wall at DSF 2 too) gets scale 1 and no offsets — no transform at all.
 */
export function stageFit(viewportWidth: number, viewportHeight: number): StageFit {
  if (viewportWidth <= 0 || viewportHeight <= 0) return { scale: 1, offsetX: 0, offsetY: 0 };
  const scale = Math.min(viewportWidth / STAGE_WIDTH, viewportHeight / STAGE_HEIGHT);
  return {
    scale,
    offsetX: Math.round((viewportWidth - STAGE_WIDTH * scale) / 2),
    offsetY: Math.round((viewportHeight - STAGE_HEIGHT * scale) / 2),
  };
}

/** Where a rectangle of the stage lands in the viewport, in real CSS pixels (whole pixels: a map is crisp on them). */
export function stageRectInViewport(rect: StageRect, fit: StageFit): StageRect {
  const x = Math.round(fit.offsetX + rect.x * fit.scale);
  const y = Math.round(fit.offsetY + rect.y * fit.scale);
  return {
    x,
    y,
    width: Math.round(fit.offsetX + (rect.x + rect.width) * fit.scale) - x,
    height: Math.round(fit.offsetY + (rect.y + rect.height) * fit.scale) - y,
  };
}

/** The CSS transform of a scaled stage layer; none at scale 1 (the 1080p and 4K cases stay untransformed). */
export function stageTransform(fit: StageFit): string {
  if (fit.scale === 1 && fit.offsetX === 0 && fit.offsetY === 0) return 'none';
  return `translate(${fit.offsetX}px, ${fit.offsetY}px) scale(${fit.scale})`;
}

/**
 * The canvas pixel ratio a chart inside the scaled stage needs to stay sharp: the device's
 * ratio times the stage scale (a chart drawn at 1× then scaled up by 1.3 would blur).
 * useEChart reads it through STAGE_PIXEL_RATIO; outside a stage charts use the device's ratio.
 */
export const STAGE_PIXEL_RATIO: InjectionKey<Readonly<Ref<number>>> = Symbol('stage-pixel-ratio');

/** The pixel ratio of the enclosing stage, or null outside one. */
export function useStagePixelRatio(): Readonly<Ref<number>> | null {
  return inject(STAGE_PIXEL_RATIO, null);
}

/** The stage's live fit and pixel ratio. */
export interface Stage {
  fit: Readonly<Ref<StageFit>>;
  pixelRatio: ComputedRef<number>;
  transform: ComputedRef<string>;
}

/**
 * Follows the window's size (and the device pixel ratio, which changes when the window moves to
 * another screen) and provides the stage pixel ratio to the charts below. Listeners go with the
 * component.
 */
export function useStage(): Stage {
  const fit = ref<StageFit>(stageFit(window.innerWidth, window.innerHeight));
  const deviceRatio = ref(window.devicePixelRatio || 1);
  let ratioQuery: MediaQueryList | null = null;

  function measure(): void {
    const next = stageFit(window.innerWidth, window.innerHeight);
    const now = fit.value;
    if (next.scale !== now.scale || next.offsetX !== now.offsetX || next.offsetY !== now.offsetY) fit.value = next;
    if (deviceRatio.value !== (window.devicePixelRatio || 1)) {
      deviceRatio.value = window.devicePixelRatio || 1;
      watchRatio();
    }
  }

  function watchRatio(): void {
    ratioQuery?.removeEventListener('change', measure);
    ratioQuery = window.matchMedia(`(resolution: ${deviceRatio.value}dppx)`);
    ratioQuery.addEventListener('change', measure);
  }

  window.addEventListener('resize', measure);
  watchRatio();
  onScopeDispose(() => {
    window.removeEventListener('resize', measure);
    ratioQuery?.removeEventListener('change', measure);
    ratioQuery = null;
  });

  const pixelRatio = computed(() => Math.round(deviceRatio.value * fit.value.scale * 100) / 100);
  provide(STAGE_PIXEL_RATIO, pixelRatio);
  return { fit: readonly(fit), pixelRatio, transform: computed(() => stageTransform(fit.value)) };
}
