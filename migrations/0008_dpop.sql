CREATE TABLE `dpop_proofs` (
	`id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dpop_proofs_expires_at_idx` ON `dpop_proofs` (`expires_at`);--> statement-breakpoint
ALTER TABLE `authorization_codes` ADD `dpop_jkt` text;--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `dpop_jkt` text;