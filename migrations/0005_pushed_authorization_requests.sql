CREATE TABLE `pushed_authorization_requests` (
	`request_uri_hash` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	`parameters` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`first_used_at` integer,
	`consumed_at` integer,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `pushed_authorization_requests_expires_at_idx` ON `pushed_authorization_requests` (`expires_at`);