CREATE TABLE `upstream_identities` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`issuer` text NOT NULL,
	`subject` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `upstream_identities_issuer_subject_idx` ON `upstream_identities` (`issuer`,`subject`);--> statement-breakpoint
CREATE INDEX `upstream_identities_user_id_idx` ON `upstream_identities` (`user_id`);--> statement-breakpoint
CREATE TABLE `upstream_sign_ins` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`return_to` text NOT NULL,
	`link_user_id` text,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`link_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `upstream_sign_ins_expires_at_idx` ON `upstream_sign_ins` (`expires_at`);