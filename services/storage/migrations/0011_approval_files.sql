-- SOP files run on the approval engine: every submitted file becomes a subject and every row
-- of workflow_steps an action. The steps a waiting file still has to go through are written
-- in its YAML definition, which SQL cannot read: a subject moved here without steps is
-- resolved from the catalogue when the bot starts (services.workflows.files.adopt_migrated),
-- its position until then being the workflow's step index, as workflow_files had it.

INSERT INTO approval_subjects (kind, ref_id, definition, applicant_nip, state, position, round,
                               step_started_at, reminded_at, escalated_at, updated_at)
SELECT 'workflow_file', id, workflow_key, applicant_nip, status, COALESCE(step_index, 0), 1,
       CASE WHEN status = 'berjalan' THEN step_started_at END,
       CASE WHEN status = 'berjalan' THEN reminded_at END,
       CASE WHEN status = 'berjalan' THEN escalated_at END,
       COALESCE(closed_at, step_started_at, submitted_at, created_at)
FROM workflow_files
WHERE status <> 'draf' AND (submitted_at IS NOT NULL OR step_index IS NOT NULL);

INSERT INTO approval_actions (subject_id, position, round, step_key, actor_nip, action, note,
                              output, standard_minutes, elapsed_minutes, started_at, acted_at)
SELECT s.id, w.step_index, 1, w.step_key, w.actor_nip, w.action, w.note, w.output,
       w.standard_minutes, w.elapsed_minutes, w.started_at, w.acted_at
FROM workflow_steps w
JOIN approval_subjects s ON s.kind = 'workflow_file' AND s.ref_id = w.file_id
ORDER BY w.id;

DROP TABLE workflow_steps;
ALTER TABLE workflow_files DROP COLUMN step_index;
ALTER TABLE workflow_files DROP COLUMN step_started_at;
ALTER TABLE workflow_files DROP COLUMN reminded_at;
ALTER TABLE workflow_files DROP COLUMN escalated_at;
