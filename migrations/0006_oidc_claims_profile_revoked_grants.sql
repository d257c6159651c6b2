CREATE TABLE `revoked_grants` (
	`grant_id` text PRIMARY KEY NOT NULL,
	`revoked_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `revoked_grants_expires_at_idx` ON `revoked_grants` (`expires_at`);--> statement-breakpoint
ALTER TABLE `authorization_codes` ADD `claims` text;--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `claims` text;--> statement-breakpoint
ALTER TABLE `users` ADD `name` text;--> statement-breakpoint
ALTER TABLE `users` ADD `given_name` text;--> statement-breakpoint
ALTER TABLE `users` ADD `family_name` text;--> statement-breakpoint
ALTER TABLE `users` ADD `nickname` text;--> statement-breakpoint
ALTER TABLE `users` ADD `picture` text;--> statement-breakpoint
ALTER TABLE `users` ADD `website` text;--> statement-breakpoint
ALTER TABLE `users` ADD `locale` text;--> statement-breakpoint
ALTER TABLE `users` ADD `zoneinfo` text;--> statement-breakpoint
ALTER TABLE `users` ADD `profile_updated_at` integer;