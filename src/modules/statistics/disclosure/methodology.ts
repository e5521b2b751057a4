/**
 * Plain-language methodology notes published with every statistics release (page, CSV/JSON, PDF).
 * `{threshold}` and `{districtThreshold}` are placeholders for the values in force for the release.
 */

export const METHODOLOGY_DE = `Wie wir die Statistik schützen

Was geschützt ist:
- Keine Zahl von 1 bis {threshold} minus 1 wird veröffentlicht. Solche Felder stehen als „<{threshold}“. Eine 0 bleibt 0.
- Damit man ein verdecktes Feld nicht aus Summen ausrechnen kann, verdecken wir weitere Felder (Zeichen „·“).
  Wir prüfen rechnerisch, dass man für jedes „<{threshold}“-Feld weiterhin jeden Wert von 1 bis {threshold} minus 1
  für möglich halten muss und dass kein „·“-Feld genau bestimmbar ist – aus Zeilen- und Spaltensummen, aus den
  anderen Tabellen derselben Veröffentlichung und aus Quartalen gegenüber dem Jahr.
- Lässt sich eine Tabelle so nicht sicher veröffentlichen, wird sie ganz zurückgehalten (Zeichen „×“).
- Seltene Kategorien fassen wir vorher unter „Sonstiges“ zusammen, wenn die Zeile dadurch veröffentlicht werden kann.
- Tabellen, die einen Diskriminierungsgrund mit dem Stadtbezirk kreuzen, verwenden die höhere Schwelle
  {districtThreshold}. Eine Tabelle kreuzt höchstens zwei Merkmale und einen festen Zeitraum (Monat, Quartal, Jahr);
  frei gewählte Zeiträume gibt es nicht.
- Meldungen von Personen, die der statistischen Auswertung widersprochen haben, sind nicht enthalten.
  Spam und Doppelmeldungen werden nie gezählt.
- Jede Tabelle sagt, was sie zählt: Meldungen, Vorfälle, Fälle oder Nennungen (eine Meldung kann mehrere
  Gründe nennen).

Was nicht geschützt ist:
- Größere Zahlen sind genau. Wir runden nicht und verändern keine Werte.
- Wer über eine bestimmte Person schon Bescheid weiß (zum Beispiel, dass sie im März einen Vorfall in einem
  bestimmten Bezirk gemeldet hat), kann aus einer veröffentlichten Zahl mehr ablesen als andere. Dagegen
  schützt keine Tabellenregel vollständig.
- Geprüft wird jede Veröffentlichung für sich. Vergleicht jemand viele Veröffentlichungen über Jahre, oder
  ändern sich frühere Zahlen (z. B. durch Widersprüche), wird dieser Vergleich nicht mitgeprüft.
- Die Prüfung rechnet mit Summen, die in den Tabellen stehen oder zwischen ihnen gelten. Wissen von außen,
  etwa aus anderen Berichten, kennt sie nicht.
`;

export const METHODOLOGY_EN = `How we protect these statistics

What is protected:
- No count from 1 to {threshold} minus 1 is published. Such cells show "<{threshold}". A 0 stays 0.
- So that a hidden cell cannot be worked out from totals, we hide further cells (shown as "·"). We check by
  calculation that for every "<{threshold}" cell every value from 1 to {threshold} minus 1 is still possible, and that
  no "·" cell can be determined exactly — from row and column totals, from the other tables of the same
  release, and from the quarters against their year.
- If a table cannot be published safely this way, it is withheld completely (shown as "×").
- Rare categories are first combined into "other" where that lets the row be published.
- Tables that cross a ground of discrimination with the city district use the higher threshold
  {districtThreshold}. A table crosses at most two characteristics plus one fixed period (month, quarter,
  year); there are no freely chosen periods.
- Reports from people who opted out of statistics are not included. Spam and duplicates are never counted.
- Every table says what it counts: reports, incidents, cases or mentions (one report can name several grounds).

What is not protected:
- Larger counts are exact. We do not round or perturb values.
- Someone who already knows something about a specific person (for example, that they reported an incident
  in a particular district in March) can learn more from a published count than others. No table rule fully
  prevents that.
- Each release is checked on its own. Comparing many releases over the years, or earlier figures changing
  (for example after opt-outs), is not part of the check.
- The check uses the totals shown in the tables and the relations between them. It does not know about
  outside information such as other reports.
`;

/** Fills in the thresholds in force for a release. */
export function methodologyNote(lang: 'de' | 'en', threshold: number, districtThreshold: number): string {
  const text = lang === 'de' ? METHODOLOGY_DE : METHODOLOGY_EN;
  return text
    .replaceAll('{threshold}', String(threshold))
    .replaceAll('{districtThreshold}', String(districtThreshold));
}
