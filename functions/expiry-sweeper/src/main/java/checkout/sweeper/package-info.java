/**
 * The ExpirySweeper function: closes sessions still open past their expires_at after checking
 * them with Fintoc. Not implemented yet (its own issue), so template.yaml does not deploy it;
 * the module exists so the build's layout is the final one.
 */
package checkout.sweeper;
