/**
 * Receiving transfers: SMTP ({@code smtp}), the HTTP(S) proxy ({@code http}) and ICAP
 * ({@code icap}). What they share stands here: the bounded {@link io.sekisho.receive.InspectionPool}
 * each listener hands its blocking work to.
 */
package io.sekisho.receive;
