import { execFileSync } from 'node:child_process';

/** Whether a command is on the PATH. */
function have(command: string): boolean {
  try {
    execFileSync('which', [command], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The document tools the report suites open files with: poppler-utils (pdftoppm, pdftotext,
 * pdfinfo) and LibreOffice (soffice). In CI (`CI=true`, .ci/run installs them) a missing tool is
 * an error, not a skip; elsewhere the skip is said out loud.
 */
export function reportTools(): { pdf: boolean; soffice: boolean } {
  const pdf = have('pdftoppm') && have('pdftotext') && have('pdfinfo');
  const soffice = have('soffice');
  if (process.env.CI && (!pdf || !soffice)) throw new Error('poppler-utils and LibreOffice (soffice) are required in CI: .ci/run installs them');
  if (!pdf) console.warn('[xiaoan tests] pdftoppm/pdftotext not found: the report PDF checks are skipped (they run in CI).');
  if (!soffice) console.warn('[xiaoan tests] soffice not found: the report xlsx check is skipped (it runs in CI).');
  return { pdf, soffice };
}
